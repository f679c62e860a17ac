"""Tamper evidence (ADRs 0007 and 0017): the hash chain over the log and what checks it.

`chain` (the format: entries, frames, links, digests; decoding a stored event; advancing the
chain in the runner's transaction), `chain_verify` (the log recomputed against the stored
links, seals and witnessed heads), `seals` (sealing a newly chained report), `verification`
(the recorded verification state and the guard that serves figures only while it holds),
`verdicts` (what a verification finds, and that guard: no event store or domain, for a
read of figures, ADR 0037), `auditor` (the auditor's kit) and `standalone_verify` (the
kit's verifier: stdlib only).

Imports: `store`, `queries` and the domain. Never `readmodel`: the runner uses the chain.
Direction inside `projections`: store <- queries <- audit <- readmodel.
"""
