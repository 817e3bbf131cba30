"""The documented key pair the emulator accepts when no other is configured."""

DEMO_ACCESS_KEY_ID = "LTAIsgbotEmulatorDemo"
DEMO_ACCESS_KEY_SECRET = "sgbot-emulator-demo-secret"  # noqa: S105 - documented demo key
