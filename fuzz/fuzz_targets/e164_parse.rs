#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| telnum_fuzz::e164_parse(data));
