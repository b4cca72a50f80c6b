//! What stands between bsched and the emulator in some tests: a proxy on 127.0.0.1, and the
//! self-signed certificate (`selfsigned-*.der`) of the hostile TLS server.

pub mod proxy;
