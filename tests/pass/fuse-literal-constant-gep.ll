; Typed pointers (LLVM 14's default) pass a literal as a constant GEP to
; its first byte; LLVM 17+ reads the same text as a bare global. Both fuse.
; RUN: %opt %loadplugin -passes='faasfuse-callee<Bar>' %S/Inputs/callee-abi.ll -o %t.bar.bc
; RUN: %llvm-link %s %t.bar.bc -o %t.linked.bc
; RUN: %opt %loadplugin -passes=faasfuse -pass-remarks=faasfuse %t.linked.bc -S -o - 2>%t.remarks | FileCheck %s
; RUN: FileCheck --check-prefix=REMARK %s < %t.remarks

@.str = private unnamed_addr constant [4 x i8] c"Bar\00"

define i32 @faas_func_call(i8* %h, i8* %in, i64 %len) {
  %slot = bitcast i8* %h to i32 (i8*, i8*, i8*, i64, i8**, i64*)**
  %fp = load i32 (i8*, i8*, i8*, i64, i8**, i64*)*, i32 (i8*, i8*, i8*, i64, i8**, i64*)** %slot
  %out = alloca i8*
  %outlen = alloca i64
  %r = call i32 %fp(i8* %h, i8* getelementptr inbounds ([4 x i8], [4 x i8]* @.str, i64 0, i64 0), i8* %in, i64 %len, i8** %out, i64* %outlen)
  ret i32 %r
}

; CHECK-LABEL: define internal i32 @__faasfuse._entry.faas_func_call(
; CHECK:       icmp eq {{.*}} %fp, {{.*}}@__faasfuse_invoke
; CHECK:       call i32 @__faasfuse_callee_Bar({{i8\*|ptr}} %h, {{i8\*|ptr}} %in, i64 %len, {{i8\*\*|ptr}} %out, {{i64\*|ptr}} %outlen)
; CHECK:       call i32 %fp(
; REMARK: remark: {{.*}}fused call to 'Bar' into a direct call
