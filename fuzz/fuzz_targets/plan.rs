//! Plan files in both formats; what parses renders and parses back the same.
#![no_main]
use bsched::domain::plan::{Plan, PlanFormat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    for format in [PlanFormat::Toml, PlanFormat::Json] {
        if let Ok(plan) = Plan::parse(s, format) {
            let text = plan.render(format).expect("a parsed plan renders");
            assert_eq!(Plan::parse(&text, format).ok(), Some(plan));
        }
    }
});
