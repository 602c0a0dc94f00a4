//! Region decoding from arbitrary bytes (sphgeom encodings read from butler rows):
//! never a panic; what decodes re-encodes to bytes that decode to the same region.
#![no_main]
use libfuzzer_sys::fuzz_target;
use skymaps::geometry::Region;
use skymaps::pixelization::Htm;

fuzz_target!(|data: &[u8]| {
    if let Ok(region) = Region::decode(data) {
        let bytes = region.encode();
        let again = Region::decode(&bytes).expect("a re-encoded region decodes");
        assert_eq!(again.encode(), bytes, "encode/decode round trip");
        let _ = region.relate(&again);
        let _ = Htm::new(3).map(|htm| htm.envelope(&region, 16));
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Region::decode_base64(text);
        let _ = Region::decode_hex(text);
    }
});
