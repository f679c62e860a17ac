"""The `begroting` command line. It only translates: parse, call a use case or a query,
print. Errors print one line and exit non-zero; nothing is half-written.

`parser` builds the arguments and names each command by module; `main` runs the one asked
for and turns its errors into one line; the commands live by area (`figures`, `explain`,
`audit`, `admin`) on the ledger access of `common`; `rendering` makes their text."""
