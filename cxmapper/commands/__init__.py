"""Subcommands that live with their feature. Each module here calls ``cxmapper.cli.register``
when imported; the CLI imports them all when it builds its parser."""
