"""offerops: AWS Marketplace private offers as code."""

__version__ = "0.1.0"
