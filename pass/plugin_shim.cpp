//===- plugin_shim.cpp - what LLVM-C cannot do ----------------------------===//
//
// The only C++ in faasfuse: registers one pass with the new pass manager
// (by name, faasfuse and faasfuse-callee, and at the start of clang's and
// lld's LTO pipelines), parses its parameters once, turns the C core's
// remarks into LLVM optimization remarks and its errors into one-line
// diagnostics through the module's context (out of memory, the one fatal
// error, exits).
//
//   opt -load-pass-plugin=build/lib/FaasFuse.so -passes='faasfuse-callee<Bar>' ...
//   opt -load-pass-plugin=build/lib/FaasFuse.so -passes='faasfuse<entry=Foo>' ...
//
//===----------------------------------------------------------------------===//
#include "llvm/Analysis/OptimizationRemarkEmitter.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/DiagnosticHandler.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <memory>
#include <string>

extern "C" {
#include "faasfuse.h"
#include "host_check.h"
#include "llvm_compat.h"
}
#if FF_PASS_PLUGIN_IN_PLUGINS_DIR
#include "llvm/Plugins/PassPlugin.h"
#else
#include "llvm/Passes/PassPlugin.h"
#endif

using namespace llvm;

namespace {

const char PassName[] = "faasfuse";

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

// What OptimizationRemarkEmitter::enabled() asks, the test LLVM's own passes
// make before building a remark: a remark file, or any -pass-remarks*.
bool remarksOn(void *, LLVMValueRef at) {
  auto *I = dyn_cast_or_null<Instruction>(unwrap(at));
  if (I == nullptr)
    return false; // emitRemark drops it
  LLVMContext &Ctx = I->getContext();
  return Ctx.getLLVMRemarkStreamer() != nullptr ||
         Ctx.getDiagHandlerPtr()->isAnyRemarkEnabled();
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

// Parsed pass parameters, shared by the copies the pass manager makes.
struct Options {
  faasfuse_options Opts{};
  ~Options() { faasfuse_free_options(&Opts); }
};

// The one pass: what it does depends on how it got into the pipeline.
//   Fuse    -passes='faasfuse<...>'              faasfuse_fuse_module
//   Callee  -passes='faasfuse-callee<NAME>'      faasfuse_prepare_callee
//   CallGraph -passes='faasfuse-callgraph<NAME>' faasfuse_print_call_graph (prints)
//   Object  pipeline start (clang -fpass-plugin) faasfuse_fuse_object
//   Lto     full-LTO start (ld.lld)              faasfuse_fuse_lto
// A parameter error found while parsing the pipeline is reported when the
// pass runs, through the module's context like every other error: opt
// prints one line and exits 1, clang reports a diagnostic, and output
// files registered for removal are removed. Only out of memory exits from
// inside the host (fatal(), below).
struct FaasFusePass : PassInfoMixin<FaasFusePass> {
  enum Mode { Fuse, Callee, Object, Lto, CallGraph, TrimRuntime } M;
  std::string Name;                // Callee, CallGraph: the function's name
  std::shared_ptr<Options> Parsed; // Fuse: entry=, link=, no-dynamic, runtime=
  std::string Error;               // a parameter error, reported by run()

  explicit FaasFusePass(Mode M) : M(M) {}

  PreservedAnalyses run(Module &Mod, ModuleAnalysisManager &) {
    char err[1024] = "";
    faasfuse_host host = {emitRemark, nullptr, remarksOn};
    LLVMModuleRef Ref = wrap(&Mod);
    int rc = -1;
    if (!Error.empty()) {
      fail(Mod, Error.c_str());
      return PreservedAnalyses::all();
    }
    switch (M) {
    case Fuse:
      rc = faasfuse_fuse_module(Ref, &Parsed->Opts, &host, err, sizeof err);
      break;
    case Callee:
      rc = faasfuse_prepare_callee(Ref, Name.c_str(), err, sizeof err);
      break;
    case Object: {
      std::string Callee = calleeName();
      rc = faasfuse_fuse_object(Ref, Callee.empty() ? nullptr : Callee.c_str(),
                                &host, err, sizeof err);
      break;
    }
    case Lto:
      rc = faasfuse_fuse_lto(Ref, &host, err, sizeof err);
      break;
    case TrimRuntime:
      return faasfuse_trim_runtime(Ref) ? PreservedAnalyses::none()
                                        : PreservedAnalyses::all();
    case CallGraph: {
      char *Json = faasfuse_print_call_graph(Ref, Name.empty() ? nullptr : Name.c_str());
      outs() << Json;
      outs().flush();
      std::free(Json);
      return PreservedAnalyses::all();
    }
    }
    if (rc != 0) {
      fail(Mod, err);
      return M == Fuse ? PreservedAnalyses::none() : PreservedAnalyses::all();
    }
    return PreservedAnalyses::none();
  }
  static bool isRequired() { return true; }

private:
  // Output files registered for removal go first: an error leaves none.
  static void fail(Module &Mod, const char *msg) {
    sys::RunInterruptHandlers();
    Mod.getContext().emitError(msg);
  }
};

// "faasfuse<x;y>" -> true and Params = "x;y"; "faasfuse" -> true, "".
// An unbalanced "<" matches too, with an error in Error.
bool matchPass(StringRef Name, StringRef Pass, std::string &Params,
               std::string &Error) {
  Params.clear();
  if (Name == Pass)
    return true;
  if (!Name.consume_front(Pass) || !Name.consume_front("<"))
    return false;
  if (!Name.consume_back(">"))
    Error = ("faasfuse: unbalanced '<' in pass '" + Pass + "<" + Name + "'").str();
  Params = Name.str();
  return true;
}

bool parsePipeline(StringRef Name, ModulePassManager &MPM,
                   ArrayRef<PassBuilder::PipelineElement>) {
  std::string Params, Error;
  char err[1024];
  if (matchPass(Name, "faasfuse-callgraph", Params, Error)) {
    FaasFusePass P(FaasFusePass::CallGraph);
    if (Error.empty() && !Params.empty() &&
        faasfuse_check_name(Params.data(), Params.size(), err, sizeof err) != 0)
      Error = "faasfuse-callgraph<" + Params + ">: " + err;
    P.Name = Params;
    P.Error = Error;
    MPM.addPass(std::move(P));
    return true;
  }
  if (matchPass(Name, "faasfuse-callee", Params, Error)) {
    FaasFusePass P(FaasFusePass::Callee);
    if (Error.empty() &&
        faasfuse_check_name(Params.data(), Params.size(), err, sizeof err) != 0)
      Error = "faasfuse-callee<" + Params + ">: " + err;
    P.Name = Params;
    P.Error = Error;
    MPM.addPass(std::move(P));
    return true;
  }
  if (matchPass(Name, "faasfuse", Params, Error)) {
    FaasFusePass P(FaasFusePass::Fuse);
    P.Parsed = std::make_shared<Options>();
    if (Error.empty() &&
        faasfuse_parse_options(Params.c_str(), &P.Parsed->Opts, err, sizeof err) != 0)
      Error = err;
    P.Error = Error;
    MPM.addPass(std::move(P));
    return true;
  }
  return false;
}

// Out of memory in the core: one line, the output files removed, exit 1,
// the way report_fatal_error(..., false) ends on LLVM 15 and later (14's
// aborts with a stack dump, so it is not used).
[[noreturn]] void fatal(const char *msg) {
  sys::RunInterruptHandlers();
  errs() << msg << "\n";
  std::exit(1);
}

void registerCallbacks(PassBuilder &PB) {
  faasfuse_set_fatal_handler(fatal);
  PB.registerPipelineParsingCallback(parsePipeline);
  PB.registerPipelineStartEPCallback([](ModulePassManager &MPM, OptimizationLevel) {
    MPM.addPass(FaasFusePass(FaasFusePass::Object));
  });
  // Last, once the optimizer has inlined what it would of the runtime.
#if FF_OPTIMIZER_LAST_EP_HAS_PHASE
  PB.registerOptimizerLastEPCallback(
      [](ModulePassManager &MPM, OptimizationLevel, ThinOrFullLTOPhase) {
#else
  PB.registerOptimizerLastEPCallback([](ModulePassManager &MPM, OptimizationLevel) {
#endif
        MPM.addPass(FaasFusePass(FaasFusePass::TrimRuntime));
      });
#if FF_HAVE_FULL_LTO_EP
  PB.registerFullLinkTimeOptimizationEarlyEPCallback(
      [](ModulePassManager &MPM, OptimizationLevel) {
        MPM.addPass(FaasFusePass(FaasFusePass::Lto));
      });
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
