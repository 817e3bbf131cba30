"""A local Slack workspace in the browser for ``sgbot demo``.

``create_sandbox_app`` serves a page that stands in for a Slack client (channels, a person
switcher, a message box, Block Kit messages, modals, the App Home) beside a live view of the
emulated cloud. The page talks only to this server, which signs what people do as Slack would
and POSTs it to the bot's request URL; the bot's Web API calls land on a ``LocalSlack``.
"""

from standins.sandbox.web import create_sandbox_app, render_page

__all__ = ["create_sandbox_app", "render_page"]
