//! Loose, a Rust function whose faas_func_call lets a panic escape (no
//! catch_unwind): on input "panic" it panics, otherwise it echoes. Rust
//! aborts the process when a panic reaches an extern "C" boundary.
use std::ffi::{c_char, c_int, c_void};

type AppendFn = unsafe extern "C" fn(*mut c_void, *const c_char, usize);

struct Worker {
    ctx: *mut c_void,
    append: AppendFn,
}

#[no_mangle]
pub extern "C" fn faas_init() -> c_int {
    0
}

#[no_mangle]
pub unsafe extern "C" fn faas_create_func_worker(
    ctx: *mut c_void,
    _invoke: *mut c_void,
    append: AppendFn,
    handle: *mut *mut c_void,
) -> c_int {
    *handle = Box::into_raw(Box::new(Worker { ctx, append })).cast();
    0
}

#[no_mangle]
pub unsafe extern "C" fn faas_destroy_func_worker(handle: *mut c_void) -> c_int {
    drop(Box::from_raw(handle.cast::<Worker>()));
    0
}

#[no_mangle]
pub unsafe extern "C" fn faas_func_call(handle: *mut c_void, input: *const c_char, len: usize) -> c_int {
    let w = &*handle.cast::<Worker>();
    let input = std::slice::from_raw_parts(input.cast::<u8>(), len);
    if input == b"panic" {
        panic!("Loose panics");
    }
    (w.append)(w.ctx, input.as_ptr().cast(), input.len());
    0
}
