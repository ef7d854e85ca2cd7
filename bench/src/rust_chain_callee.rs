//! F1 of the Rust bench pairs, as Rust: answers "F1(" + its input + ")", as
//! chain_fn.c's leaf does at depth 1 (the same bytes).
#[path = "../../examples/rust/nightcore.rs"]
#[macro_use]
mod nightcore;

use nightcore::Worker;

fn f1(w: &mut Worker, input: &[u8]) -> Result<(), ()> {
    w.append(b"F1(");
    w.append(input);
    w.append(b")");
    Ok(())
}

nightcore_function!(f1);
