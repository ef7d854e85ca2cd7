; Names reached through casts and constant offsets into a string resolve
; to the bytes up to the first NUL: "xBar"+1 is "Bar"; "Bar\0Baz"+4 is
; "Baz", which is not merged and stays an RPC.
; RUN: %opt %loadplugin -passes='faasfuse-callee<Bar>' %S/Inputs/callee-abi.ll -o %t.bar.bc
; RUN: %llvm-link %s %t.bar.bc -o %t.linked.bc
; RUN: %opt %loadplugin -passes=faasfuse -pass-remarks=faasfuse -pass-remarks-missed=faasfuse %t.linked.bc -o /dev/null 2>&1 | FileCheck %s

@prefixed = private unnamed_addr constant [5 x i8] c"xBar\00"
@pair = private unnamed_addr constant [8 x i8] c"Bar\00Baz\00"
@as_struct = private unnamed_addr constant { [4 x i8] } { [4 x i8] c"Bar\00" }

define i32 @faas_func_call(i8* %h, i8* %in, i64 %len) {
  %slot = bitcast i8* %h to i32 (i8*, i8*, i8*, i64, i8**, i64*)**
  %fp = load i32 (i8*, i8*, i8*, i64, i8**, i64*)*, i32 (i8*, i8*, i8*, i64, i8**, i64*)** %slot
  %out = alloca i8*
  %outlen = alloca i64
  %a = call i32 %fp(i8* %h, i8* getelementptr inbounds ([5 x i8], [5 x i8]* @prefixed, i64 0, i64 1), i8* %in, i64 %len, i8** %out, i64* %outlen)
  %b = call i32 %fp(i8* %h, i8* getelementptr inbounds ([8 x i8], [8 x i8]* @pair, i64 0, i64 4), i8* %in, i64 %len, i8** %out, i64* %outlen)
  %c = call i32 %fp(i8* %h, i8* bitcast ({ [4 x i8] }* @as_struct to i8*), i8* %in, i64 %len, i8** %out, i64* %outlen)
  %d = call i32 %fp(i8* %h, i8* bitcast ([8 x i8]* @pair to i8*), i8* %in, i64 %len, i8** %out, i64* %outlen)
  ret i32 %a
}

; CHECK-DAG: remark: {{.*}}fused call to 'Bar' into a direct call
; CHECK-DAG: remark: {{.*}}call to 'Baz' stays an RPC: no function of that name is merged
; CHECK-DAG: remark: {{.*}}call with a run-time name (the name is in a constant the pass does not read as a string) dispatches
; CHECK-DAG: remark: {{.*}}fused call to 'Bar' into a direct call
