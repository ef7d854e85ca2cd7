//===- plugin_shim.cpp - what LLVM-C cannot do ----------------------------===//
//
// The only C++ in faasfuse: registers the two passes with the new pass
// manager, parses their parameters, turns the C core's remarks into LLVM
// optimization remarks and its errors into one-line diagnostics.
//
//   opt -load-pass-plugin=build/lib/FaasFuse.so -passes='faasfuse-callee<Bar>' ...
//   opt -load-pass-plugin=build/lib/FaasFuse.so -passes='faasfuse<entry=Foo>' ...
//
//===----------------------------------------------------------------------===//
#include "llvm/Analysis/OptimizationRemarkEmitter.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <string>

extern "C" {
#include "faasfuse/faasfuse.h"
#include "llvm_compat.h"
}
#include FF_PASS_PLUGIN_HEADER

using namespace llvm;

namespace {

const char PassName[] = "faasfuse";

// Ends the run with one line and exit code 1: no crash, no stack dump
// (report_fatal_error aborts with a stack dump on LLVM 14 whatever it is
// told). Output files opt registered for removal are removed.
[[noreturn]] void fail(const char *msg) {
  errs() << "error: " << msg << "\n";
  errs().flush();
  sys::RunInterruptHandlers();
  std::exit(1);
}

// Errors found while running on a module go through the module's context:
// opt prints "error: ..." and exits 1; clang reports it as a diagnostic.
// Output files registered for removal go first: an error leaves none behind.
void failIn(Module &M, const char *msg) {
  sys::RunInterruptHandlers();
  M.getContext().emitError(msg);
}

void emitRemark(void *, faasfuse_remark_kind kind, LLVMValueRef at,
                const char *name, const char *message) {
  auto *I = dyn_cast_or_null<Instruction>(unwrap(at));
  if (I == nullptr)
    return;
  OptimizationRemarkEmitter ORE(I->getFunction());
  switch (kind) {
  case FAASFUSE_REMARK_PASSED:
    ORE.emit(OptimizationRemark(PassName, name, I) << message);
    break;
  case FAASFUSE_REMARK_MISSED:
    ORE.emit(OptimizationRemarkMissed(PassName, name, I) << message);
    break;
  case FAASFUSE_REMARK_ANALYSIS:
    ORE.emit(OptimizationRemarkAnalysis(PassName, name, I) << message);
    break;
  case FAASFUSE_REMARK_WARNING:
    I->getContext().diagnose(DiagnosticInfoOptimizationFailure(
        *I->getFunction(), DiagnosticLocation(I->getDebugLoc()),
        Twine("faasfuse: ") + message));
    break;
  }
}

// -mllvm -faasfuse-callee=NAME (or FAASFUSE_CALLEE=NAME): this translation
// unit is the callee NAME. Created by a constructor, not a static object,
// so that nothing of LLVM runs in a host of another version.
cl::opt<std::string> *CalleeOption = nullptr;

__attribute__((constructor)) void registerOptions() {
  char why[256];
  if (ff_host_llvm_matches(why, sizeof why))
    CalleeOption = new cl::opt<std::string>(
        "faasfuse-callee", cl::value_desc("NAME"),
        cl::desc("faasfuse: compile this translation unit as the merged "
                 "callee NAME (clang -fpass-plugin)"));
}

std::string calleeName() {
  if (CalleeOption != nullptr && !CalleeOption->empty())
    return *CalleeOption;
  const char *env = std::getenv("FAASFUSE_CALLEE");
  return env != nullptr ? env : "";
}

// Runs by itself at the start of every optimization pipeline of a host that
// loaded the plugin (clang -fpass-plugin): one object of an ordinary build.
struct ObjectPass : PassInfoMixin<ObjectPass> {
  PreservedAnalyses run(Module &M, ModuleAnalysisManager &) {
    char err[1024];
    faasfuse_host host = {emitRemark, nullptr};
    std::string Name = calleeName();
    if (faasfuse_fuse_object(wrap(&M), Name.empty() ? nullptr : Name.c_str(),
                             &host, err, sizeof err) != 0) {
      failIn(M, err);
      return PreservedAnalyses::all();
    }
    return PreservedAnalyses::none();
  }
  static bool isRequired() { return true; }
};

// Runs by itself early in the full-LTO pipeline (ld.lld --load-pass-plugin).
struct LtoPass : PassInfoMixin<LtoPass> {
  PreservedAnalyses run(Module &M, ModuleAnalysisManager &) {
    char err[1024];
    faasfuse_host host = {emitRemark, nullptr};
    if (faasfuse_fuse_lto(wrap(&M), &host, err, sizeof err) != 0) {
      failIn(M, err);
      return PreservedAnalyses::all();
    }
    return PreservedAnalyses::none();
  }
  static bool isRequired() { return true; }
};

struct PrepareCalleePass : PassInfoMixin<PrepareCalleePass> {
  std::string Name;
  PreservedAnalyses run(Module &M, ModuleAnalysisManager &) {
    char err[1024];
    if (faasfuse_prepare_callee(wrap(&M), Name.c_str(), err, sizeof err) != 0) {
      failIn(M, err);
      return PreservedAnalyses::all();
    }
    return PreservedAnalyses::none();
  }
  static bool isRequired() { return true; }
};

struct FuseModulePass : PassInfoMixin<FuseModulePass> {
  std::string Params;
  PreservedAnalyses run(Module &M, ModuleAnalysisManager &) {
    char err[1024];
    faasfuse_options opts;
    faasfuse_host host = {emitRemark, nullptr};
    if (faasfuse_parse_options(Params.c_str(), &opts, err, sizeof err) != 0) {
      failIn(M, err);
      return PreservedAnalyses::all();
    }
    int rc = faasfuse_fuse_module(wrap(&M), &opts, &host, err, sizeof err);
    faasfuse_free_options(&opts);
    if (rc != 0) {
      failIn(M, err);
      return PreservedAnalyses::none();
    }
    return PreservedAnalyses::none();
  }
  static bool isRequired() { return true; }
};

// "faasfuse<x;y>" -> true and Params = "x;y"; "faasfuse" -> true, "".
bool matchPass(StringRef Name, StringRef Pass, std::string &Params) {
  if (Name == Pass) {
    Params.clear();
    return true;
  }
  if (!Name.consume_front(Pass) || !Name.consume_front("<"))
    return false;
  if (!Name.consume_back(">"))
    fail(("faasfuse: unbalanced '<' in pass '" + Pass + "<" + Name + "'").str().c_str());
  Params = Name.str();
  return true;
}

bool parsePipeline(StringRef Name, ModulePassManager &MPM,
                   ArrayRef<PassBuilder::PipelineElement>) {
  std::string Params;
  char err[1024];
  if (matchPass(Name, "faasfuse-callee", Params)) {
    if (faasfuse_check_name(Params.data(), Params.size(), err, sizeof err) != 0)
      fail(("faasfuse-callee<" + Params + ">: " + err).c_str());
    PrepareCalleePass P;
    P.Name = Params;
    MPM.addPass(std::move(P));
    return true;
  }
  if (matchPass(Name, "faasfuse", Params)) {
    faasfuse_options opts;
    if (faasfuse_parse_options(Params.c_str(), &opts, err, sizeof err) != 0)
      fail(err);
    faasfuse_free_options(&opts);
    FuseModulePass P;
    P.Params = Params;
    MPM.addPass(std::move(P));
    return true;
  }
  return false;
}

void registerCallbacks(PassBuilder &PB) {
  PB.registerPipelineParsingCallback(parsePipeline);
  PB.registerPipelineStartEPCallback(
      [](ModulePassManager &MPM, OptimizationLevel) { MPM.addPass(ObjectPass()); });
#if FF_HAVE_FULL_LTO_EP
  PB.registerFullLinkTimeOptimizationEarlyEPCallback(
      [](ModulePassManager &MPM, OptimizationLevel) { MPM.addPass(LtoPass()); });
#endif
}

} // namespace

extern "C" LLVM_ATTRIBUTE_WEAK __attribute__((visibility("default")))
::llvm::PassPluginLibraryInfo
llvmGetPassPluginInfo() {
  char why[256];
  if (!ff_host_llvm_matches(why, sizeof why)) {
    errs() << why << "\n";
    // API version 0: every host refuses the plugin instead of running it.
    return {0, "FaasFuse", "mismatch", nullptr};
  }
  return {LLVM_PLUGIN_API_VERSION, "FaasFuse", LLVM_VERSION_STRING,
          registerCallbacks};
}
