"""Subcommands of the ``sgbot`` CLI, one module each (see ``bot.__main__``)."""
