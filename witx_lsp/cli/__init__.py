"""The `witx-lsp` command line: `main.py` dispatches to one `cmd_*.py` module per subcommand."""
