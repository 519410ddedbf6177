"""Lowering: PySD's AbstractModel → the IR (convert, statefuls, macros, external data)."""
