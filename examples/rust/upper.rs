//! Upper, a Nightcore function in Rust: its input upper-cased, one append
//! per word (words end at a space, which is kept).
#[macro_use]
mod nightcore;

use nightcore::Worker;

fn upper(w: &mut Worker, input: &[u8]) -> Result<(), ()> {
    for word in input.split_inclusive(|&b| b == b' ') {
        w.append(&word.to_ascii_uppercase());
    }
    Ok(())
}

nightcore_function!(upper);
