//! Generates the C header into OUT_DIR on every build (a test compares it
//! with the committed `include/telnum.h`, so a stale header fails CI), sets
//! the shared library's SONAME, and writes `telnum.pc` for the build tree.
fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let out = std::env::var("OUT_DIR").expect("OUT_DIR");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=telnum.pc.in");
    let config =
        cbindgen::Config::from_file(format!("{dir}/cbindgen.toml")).expect("cbindgen.toml");
    match cbindgen::generate_with_config(&dir, config) {
        Ok(b) => {
            b.write_to_file(format!("{out}/telnum.h"));
        }
        Err(e) => panic!("cbindgen failed: {e}"),
    }

    // SONAME: before 1.0 a minor version may break the ABI, so it names
    // major.minor (libtelnum_c.so.0.1); from 1.0 the major alone.
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("version");
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").expect("version");
    let abi = if major == "0" {
        format!("0.{minor}")
    } else {
        major
    };
    let linux = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux");
    if linux {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libtelnum_c.so.{abi}");
    }

    // telnum.pc for the build tree: the library in target/<profile>, the
    // header in bindings-c/include. `PKG_CONFIG_PATH=target/release
    // pkg-config --cflags --libs telnum`. (telnum.pc.in is the template for
    // an install prefix.)
    let profile_dir = std::path::Path::new(&out)
        .ancestors()
        .nth(3)
        .expect("OUT_DIR is target/<profile>/build/<pkg>/out")
        .to_path_buf();
    let template = std::fs::read_to_string(format!("{dir}/telnum.pc.in")).expect("telnum.pc.in");
    let version = std::env::var("CARGO_PKG_VERSION").expect("version");
    let pc = template
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| match l {
            l if l.starts_with("prefix=") => format!("prefix={}", profile_dir.display()),
            l if l.starts_with("libdir=") => "libdir=${prefix}".to_string(),
            l if l.starts_with("includedir=") => format!("includedir={dir}/include"),
            l if l.starts_with("Version:") => format!("Version: {version}"),
            l => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(format!("{out}/telnum.pc"), format!("{pc}\n")).expect("write telnum.pc");
    // Best effort: next to the library, where pkg-config users look, with
    // the SONAME link that programs linked with -ltelnum_c load at run time
    // (it points at the library cargo links next).
    let _ = std::fs::write(profile_dir.join("telnum.pc"), format!("{pc}\n"));
    #[cfg(unix)]
    if linux {
        let link = profile_dir.join(format!("libtelnum_c.so.{abi}"));
        if std::fs::symlink_metadata(&link).is_err() {
            let _ = std::os::unix::fs::symlink("libtelnum_c.so", &link);
        }
    }
}
