"""Queries and reports over the read model, each as of a basis (ADR 0002).

`basis` (what a query may see: Basis, resolve_basis, the chain head at a position, euros),
`figures` (budget lines, taakstellingen, realisations, reserves, decisions, fiscal years)
and their row types `figure_rows`, `event_log` (the audit log), `rows` (what rows are made
of: amounts as `Euros`, the basis), `reports` (a report's tables as rendered and published),
`cells` (one cell model for the audit analyses), `lineage` (the history of a figure), `diff`
(a report between two bases), `authority` (the line of authority of each budget mutation,
onrechtmatigheid), `backdating` (the backdating rule), `row_exports` (the rows of the
CSV/XLSX exports).

Imports: `store` and the domain. Never `audit` or `readmodel`: those sit above.
Direction inside `projections`: store <- queries <- audit <- readmodel.
"""
