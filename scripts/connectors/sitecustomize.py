# Loaded by Python at start-up when this directory is on PYTHONPATH (scripts/connectors-test.sh puts it there for the
# connector processes only). Neither Airbyte's source-facebook-marketing nor singer's tap-facebook has a setting for
# the Graph host: both call Meta's facebook_business SDK, which builds every URL from the class constant
# `FacebookSession.GRAPH` ("https://graph.facebook.com"). Patching that constant points all their calls — single,
# paged (`paging.next` links come from the sandbox itself) and batch — at `metasync sandbox`, which serves plain HTTP
# on loopback. Nothing else is changed; without METASYNC_CONNECTOR_GRAPH_URL this file does nothing.
import os

_url = os.environ.get("METASYNC_CONNECTOR_GRAPH_URL")
if _url:
    try:
        from facebook_business.session import FacebookSession
    except ImportError:  # a Python without the SDK (e.g. pip itself): nothing to patch
        FacebookSession = None
    if FacebookSession is not None:
        FacebookSession.GRAPH = _url.rstrip("/")
