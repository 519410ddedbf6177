"""The engine wing: model file → CompiledModel → Dataset.

ingest (the only PySD import) → lowering/ (AbstractModel → IR) → codegen/ (IR → numpy program)
→ integrators/ → results. Imports nothing from plans, scenarios or runs.
"""
