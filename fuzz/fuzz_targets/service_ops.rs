#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| telnum_fuzz::service_ops(data));
