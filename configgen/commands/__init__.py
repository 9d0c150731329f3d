"""The command-line modules, one per group of commands; `configgen.cli` builds the parser from them."""
