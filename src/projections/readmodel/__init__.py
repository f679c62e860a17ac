"""Keeping the read model in step with the log (ADRs 0005, 0014, 0015).

`projectors` (each projection: the rows an event gives), `runner` (catch-up and rebuild, one
code path: rows, chain links, verification and report seals in one transaction per batch),
`rederive` (the log projected afresh into a scratch read model, to check a report's seal or
every table against ours), `backup` (SQLite's online backup of the whole database),
`position` (where the read model stands against the log, read without the application, ADR
0037) and `runner_errors` (the runner's refusals, named by the command line without loading
the runner).

Imports: anything below it in `projections` (`store`, `queries`, `audit`) and the domain.
Direction inside `projections`: store <- queries <- audit <- readmodel.
"""
