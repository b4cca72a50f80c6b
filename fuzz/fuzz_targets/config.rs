//! The config file parser on arbitrary text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    let _ = toml::from_str::<bsched::config::ConfigFile>(s);
});
