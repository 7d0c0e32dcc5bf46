"""WhatsApp over the Cloud API: signed webhooks in, buttons/lists/templates out.

The package imports nothing itself, so that its light modules (the templates) can be used
without loading the channel; ``bots.whatsapp.build.build_channel`` builds the channel.
"""
