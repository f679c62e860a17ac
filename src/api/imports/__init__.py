"""Reading a financial system's extract (CSV or XLSX, with a mapping of its headers) into a
`domain.imports.SourceFile`, every row checked at file level (ADR 0033). The interfaces
(the CLI's `import`, the API's `POST /api/v1/imports/{kind}`) call `read_source`."""
