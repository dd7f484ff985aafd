"""Runtimes that move bytes between topics and call the steps: embedded (asyncio, no broker) and Kafka (Faust)."""
