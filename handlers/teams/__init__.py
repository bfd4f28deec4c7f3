"""The Microsoft Teams front-end."""

import warnings

# The SDK warns, on import, of a preview feature (HTML widgets) this bot does not use.
warnings.filterwarnings("ignore", message="HtmlWidgetSecurityPolicy is in preview")
