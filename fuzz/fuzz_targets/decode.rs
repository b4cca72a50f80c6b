//! The `$` document decoder and the schedule parser on arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = bsched::api::doc::decode_body(200, data);
    if let Ok(list) = bsched::api::decode_schedule_page(200, data, 1) {
        assert!(list.iter().all(|s| !s.days.is_empty()));
    }
});
