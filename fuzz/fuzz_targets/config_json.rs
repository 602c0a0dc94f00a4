//! The resolved-config JSON the Python readers (pex_config and TOML) hand to the core:
//! arbitrary text is parsed and validated without a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use skymaps::tessellation::SkyMapConfig;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = SkyMapConfig::from_json(text);
    }
});
