#include "kernels/registry.h"

#include <string.h>

#include "microml/kernels.h"

namespace microml {

namespace {

const KernelRegistration* const kAllKernels[] = {
    &kRegisterAbs,
    &kRegisterAdd,
    &kRegisterAddN,
    &kRegisterArgMax,
    &kRegisterArgMin,
    &kRegisterAssignVariable,
    &kRegisterAveragePool2D,
    &kRegisterBatchMatMul,
    &kRegisterBatchToSpaceNd,
    &kRegisterBroadcastArgs,
    &kRegisterBroadcastTo,
    &kRegisterCallOnce,
    &kRegisterCast,
    &kRegisterCeil,
    &kRegisterConcatenation,
    &kRegisterConv2D,
    &kRegisterCos,
    &kRegisterCumsum,
    &kRegisterDepthToSpace,
    &kRegisterDepthwiseConv2D,
    &kRegisterDequantize,
    &kRegisterDetectionPostprocess,
    &kRegisterDiv,
    &kRegisterElu,
    &kRegisterEmbeddingLookup,
    &kRegisterEqual,
    &kRegisterExp,
    &kRegisterExpandDims,
    &kRegisterFill,
    &kRegisterFloor,
    &kRegisterFloorDiv,
    &kRegisterFloorMod,
    &kRegisterFullyConnected,
    &kRegisterGather,
    &kRegisterGatherNd,
    &kRegisterGreater,
    &kRegisterGreaterEqual,
    &kRegisterHardSwish,
    &kRegisterIf,
    &kRegisterL2Normalization,
    &kRegisterL2Pool2D,
    &kRegisterLeakyRelu,
    &kRegisterLess,
    &kRegisterLessEqual,
    &kRegisterLog,
    &kRegisterLogSoftmax,
    &kRegisterLogicalAnd,
    &kRegisterLogicalNot,
    &kRegisterLogicalOr,
    &kRegisterLogistic,
    &kRegisterMaximum,
    &kRegisterMaxPool2D,
    &kRegisterMean,
    &kRegisterMinimum,
    &kRegisterMirrorPad,
    &kRegisterMul,
    &kRegisterNeg,
    &kRegisterNotEqual,
    &kRegisterPack,
    &kRegisterPad,
    &kRegisterPadV2,
    &kRegisterPrelu,
    &kRegisterQuantize,
    &kRegisterReadVariable,
    &kRegisterReduceAll,
    &kRegisterReduceMax,
    &kRegisterReduceMin,
    &kRegisterRelu,
    &kRegisterRelu6,
    &kRegisterReshape,
    &kRegisterResizeBilinear,
    &kRegisterResizeNearestNeighbor,
    &kRegisterReverseV2,
    &kRegisterRound,
    &kRegisterRsqrt,
    &kRegisterSelectV2,
    &kRegisterShape,
    &kRegisterSignalDelay,
    &kRegisterSignalEnergy,
    &kRegisterSignalFftAutoScale,
    &kRegisterSignalFilterBank,
    &kRegisterSignalFilterBankLog,
    &kRegisterSignalFilterBankSpectralSubtraction,
    &kRegisterSignalFilterBankSquareRoot,
    &kRegisterSignalFramer,
    &kRegisterSignalIrfft,
    &kRegisterSignalOverlapAdd,
    &kRegisterSignalPcan,
    &kRegisterSignalRfft,
    &kRegisterSignalStacker,
    &kRegisterSignalWindow,
    &kRegisterSin,
    &kRegisterSlice,
    &kRegisterSoftmax,
    &kRegisterSpaceToBatchNd,
    &kRegisterSpaceToDepth,
    &kRegisterSplit,
    &kRegisterSplitV,
    &kRegisterSqrt,
    &kRegisterSquare,
    &kRegisterSquaredDifference,
    &kRegisterSqueeze,
    &kRegisterStridedSlice,
    &kRegisterSub,
    &kRegisterSum,
    &kRegisterSvdf,
    &kRegisterTanh,
    &kRegisterTranspose,
    &kRegisterTransposeConv,
    &kRegisterUnidirectionalSequenceLstm,
    &kRegisterUnpack,
    &kRegisterVarHandle,
    &kRegisterWhile,
    &kRegisterZerosLike,
};

}  // namespace

const OpResolver kReferenceOps = {kAllKernels, sizeof(kAllKernels) / sizeof(kAllKernels[0])};

const OpResolver& AllOpsResolver() {
  return kReferenceOps;
}

const KernelRegistration* OpResolver::Find(int32_t builtin_code, const char* custom_name) const {
  for (size_t i = 0; i < count; ++i) {
    const KernelRegistration* k = kernels[i];
    if (k->builtin_code != builtin_code) continue;
    if (builtin_code != static_cast<int32_t>(BuiltinOp::kCUSTOM)) return k;
    if (custom_name != nullptr && k->custom_name != nullptr &&
        strcmp(custom_name, k->custom_name) == 0) {
      return k;
    }
  }
  return fallback != nullptr ? fallback->Find(builtin_code, custom_name) : nullptr;
}

}  // namespace microml
