"""{{ cookiecutter.package_name }}: the project's package (see README.md)."""

__version__ = "0.1.0"
