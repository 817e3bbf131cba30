"""Wire-level emulator of Alibaba Cloud MSE, ECS and CS: signed HTTP, estates, faults."""
