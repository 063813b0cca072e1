// The fakes here are served by the shared loopback server; its request/response types are part of their API.
@_exported import HTTPTestSupport
