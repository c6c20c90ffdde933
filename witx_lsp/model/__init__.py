"""Typed model of witx documents: the reference crate's AST (tools/witx/src/ast.rs),
name resolution across `(use ...)`, validation and the symbol index."""
