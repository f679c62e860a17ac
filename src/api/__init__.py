"""Interfaces: the command line (and, later, HTTP). They translate and call one use case."""
