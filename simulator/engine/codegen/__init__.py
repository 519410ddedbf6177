"""Code generation: the IR → one numpy program (runtime helpers, expressions, program)."""
