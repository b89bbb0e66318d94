"""ION Portal: the web portal and data hub of the Immuno-Oncology Network."""
