//! Nightcore's C function interface (include/faas/worker_v1_interface.h)
//! for a Rust function: the callback types, a worker that holds them, and
//! `nightcore_function!`, which exports the four `faas_*` functions the
//! launcher looks up. A function's crate root says `mod nightcore;` and
//! `nightcore_function!(handler);` with
//! `fn handler(w: &mut Worker, input: &[u8]) -> Result<(), ()>`.
#![allow(dead_code)]

use std::ffi::{c_char, c_int, c_void, CStr, CString};

pub type InvokeFn = unsafe extern "C" fn(
    *mut c_void,
    *const c_char,
    *const c_char,
    usize,
    *mut *const c_char,
    *mut usize,
) -> c_int;
pub type AppendFn = unsafe extern "C" fn(*mut c_void, *const c_char, usize);

pub struct Worker {
    caller_context: *mut c_void,
    invoke_func_fn: InvokeFn,
    append_output_fn: AppendFn,
    pub calls: u64,
}

impl Worker {
    /// Appends to this call's output; the bytes are copied at once.
    pub fn append(&self, data: &[u8]) {
        unsafe { (self.append_output_fn)(self.caller_context, data.as_ptr().cast(), data.len()) }
    }

    /// Invokes another function by a literal name (`c"Bar"`), which faasfuse
    /// fuses into a direct call; its output stays valid until this worker's
    /// call returns (hence the borrow of the worker).
    #[inline(always)]
    pub fn invoke(&self, name: &CStr, input: &[u8]) -> Result<&[u8], ()> {
        self.invoke_ptr(name.as_ptr(), input)
    }

    /// Invokes a function whose name is known only at run time (a String).
    pub fn invoke_named(&self, name: &str, input: &[u8]) -> Result<&[u8], ()> {
        let name = CString::new(name).map_err(|_| ())?;
        self.invoke_ptr(name.as_ptr(), input)
    }

    #[inline(always)]
    fn invoke_ptr(&self, name: *const c_char, input: &[u8]) -> Result<&[u8], ()> {
        let mut out: *const c_char = std::ptr::null();
        let mut len: usize = 0;
        let rc = unsafe {
            (self.invoke_func_fn)(
                self.caller_context,
                name,
                input.as_ptr().cast(),
                input.len(),
                &mut out,
                &mut len,
            )
        };
        if rc != 0 {
            return Err(());
        }
        Ok(if len == 0 { &[] } else { unsafe { std::slice::from_raw_parts(out.cast(), len) } })
    }
}

/// Exports faas_init, faas_create_func_worker, faas_destroy_func_worker and
/// faas_func_call around `handler`. A panic in the handler is caught at the
/// boundary and fails the call (-1), as Nightcore shows a worker that died.
#[macro_export]
macro_rules! nightcore_function {
    ($handler:path) => {
        #[no_mangle]
        pub extern "C" fn faas_init() -> std::ffi::c_int {
            0
        }

        #[no_mangle]
        pub unsafe extern "C" fn faas_create_func_worker(
            caller_context: *mut std::ffi::c_void,
            invoke_func_fn: $crate::nightcore::InvokeFn,
            append_output_fn: $crate::nightcore::AppendFn,
            worker_handle: *mut *mut std::ffi::c_void,
        ) -> std::ffi::c_int {
            let w = Box::new($crate::nightcore::Worker::new(
                caller_context,
                invoke_func_fn,
                append_output_fn,
            ));
            *worker_handle = Box::into_raw(w).cast();
            0
        }

        #[no_mangle]
        pub unsafe extern "C" fn faas_destroy_func_worker(
            worker_handle: *mut std::ffi::c_void,
        ) -> std::ffi::c_int {
            drop(Box::from_raw(worker_handle.cast::<$crate::nightcore::Worker>()));
            0
        }

        #[no_mangle]
        pub unsafe extern "C" fn faas_func_call(
            worker_handle: *mut std::ffi::c_void,
            input: *const std::ffi::c_char,
            input_length: usize,
        ) -> std::ffi::c_int {
            let w = &mut *worker_handle.cast::<$crate::nightcore::Worker>();
            let input: &[u8] = if input_length == 0 {
                &[]
            } else {
                std::slice::from_raw_parts(input.cast(), input_length)
            };
            w.calls += 1;
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| $handler(w, input))) {
                Ok(Ok(())) => 0,
                _ => -1,
            }
        }
    };
}

impl Worker {
    pub fn new(caller_context: *mut c_void, invoke_func_fn: InvokeFn, append_output_fn: AppendFn) -> Worker {
        Worker { caller_context, invoke_func_fn, append_output_fn, calls: 0 }
    }
}
