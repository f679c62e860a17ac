"""The Nijmegen 2017-2020 demo history (see README.md in this folder for every assumption)."""
