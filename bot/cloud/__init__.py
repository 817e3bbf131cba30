"""Alibaba Cloud: the port the bot uses, its SDK adapter, resolution, pre-flight and rules."""
