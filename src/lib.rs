//! tlslint: lint TLS settings in server configs against a policy.
pub mod cipher;
pub mod cli;
pub mod model;
pub mod parse;
pub mod source;
