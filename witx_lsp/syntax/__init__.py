"""Text -> lossless S-expression tree with ranges, and lexical/structural errors.

Never raises on any input string.
"""

from witx_lsp.syntax.parser import parse
from witx_lsp.syntax.tree import Atom, Comment, Node, SList, SourceTree, TokenKind

__all__ = ["Atom", "Comment", "Node", "SList", "SourceTree", "TokenKind", "parse"]
