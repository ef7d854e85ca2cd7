//! F0 of the Rust bench pairs, as Rust: invokes F1 by a literal name on its
//! input and answers "F0(" + the reply + ")", as chain_fn.c's F0 does at
//! depth 1 (the same bytes).
#[path = "../../examples/rust/nightcore.rs"]
#[macro_use]
mod nightcore;

use nightcore::Worker;

fn f0(w: &mut Worker, input: &[u8]) -> Result<(), ()> {
    let reply = w.invoke(c"F1", input)?;
    w.append(b"F0(");
    w.append(reply);
    w.append(b")");
    Ok(())
}

nightcore_function!(f0);
