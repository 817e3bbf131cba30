"""The Slack surface: Block Kit builders, Slack ids and the listeners that use them.

``handlers.blocks`` turns requests into messages, modals and the App Home without any I/O;
``handlers.ids`` names every action, block and callback id; the listener modules ack, parse,
call the approval services and render with the builders.
"""
