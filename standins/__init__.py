"""Local stand-ins for what sgbot talks to, for tests, benchmarks and ``sgbot demo``.

``standins.slack`` is a Slack Web API and Socket Mode server, ``standins.cloud`` a wire-level
emulator of Alibaba Cloud MSE, ECS and CS, ``standins.embedded_redis`` an in-process Redis,
``standins.sandbox`` a browser page that stands in for a Slack client, and ``standins.demo``
the ``sgbot demo`` process tree. None of it ships in the product's image: the product loads it
only inside the commands that need it.
"""
