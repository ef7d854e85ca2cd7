; A minimal Nightcore callee in typed-pointer syntax (every LLVM reads it;
; 17+ as opaque pointers). Its definitions exercise every linkage rule.
@.str = private unnamed_addr constant [5 x i8] c"Bar:\00"
@counter = global i32 0
@shared_table = linkonce_odr constant [2 x i32] [i32 1, i32 2]

define i32 @helper(i32 %x) {
  ret i32 %x
}

define linkonce_odr i32 @shared_inline(i32 %x) {
  ret i32 %x
}

define weak i32 @weak_helper() {
  ret i32 1
}

define i32 @faas_init() {
  ret i32 0
}

define i32 @faas_create_func_worker(i8* %ctx, i32 (i8*, i8*, i8*, i64, i8**, i64*)* %invoke, void (i8*, i8*, i64)* %append, i8** %handle) {
  %w = call i8* @malloc(i64 16)
  %slot.ctx = bitcast i8* %w to i8**
  store i8* %ctx, i8** %slot.ctx
  %p = getelementptr i8, i8* %w, i64 8
  %slot.append = bitcast i8* %p to void (i8*, i8*, i64)**
  store void (i8*, i8*, i64)* %append, void (i8*, i8*, i64)** %slot.append
  store i8* %w, i8** %handle
  ret i32 0
}

define i32 @faas_destroy_func_worker(i8* %handle) {
  call void @free(i8* %handle)
  ret i32 0
}

define i32 @faas_func_call(i8* %handle, i8* %input, i64 %len) {
  %slot.ctx = bitcast i8* %handle to i8**
  %ctx = load i8*, i8** %slot.ctx
  %p = getelementptr i8, i8* %handle, i64 8
  %slot.append = bitcast i8* %p to void (i8*, i8*, i64)**
  %append = load void (i8*, i8*, i64)*, void (i8*, i8*, i64)** %slot.append
  call void %append(i8* %ctx, i8* getelementptr ([5 x i8], [5 x i8]* @.str, i64 0, i64 0), i64 4)
  call void %append(i8* %ctx, i8* %input, i64 %len)
  %h = call i32 @helper(i32 0)
  ret i32 %h
}

declare i8* @malloc(i64)
declare void @free(i8*)
