// Registrations of every kernel in the runtime, for applications that build a
// resolver with only the operators their models use.
#ifndef MICROML_KERNELS_H_
#define MICROML_KERNELS_H_

#include "microml/kernel.h"

namespace microml {

// Keep in the order of runtime/src/kernels/registry.cc.
extern const KernelRegistration kRegisterAbs;
extern const KernelRegistration kRegisterAdd;
extern const KernelRegistration kRegisterAddN;
extern const KernelRegistration kRegisterArgMax;
extern const KernelRegistration kRegisterArgMin;
extern const KernelRegistration kRegisterAssignVariable;
extern const KernelRegistration kRegisterAveragePool2D;
extern const KernelRegistration kRegisterBatchMatMul;
extern const KernelRegistration kRegisterBatchToSpaceNd;
extern const KernelRegistration kRegisterBroadcastArgs;
extern const KernelRegistration kRegisterBroadcastTo;
extern const KernelRegistration kRegisterCallOnce;
extern const KernelRegistration kRegisterCast;
extern const KernelRegistration kRegisterCeil;
extern const KernelRegistration kRegisterConcatenation;
extern const KernelRegistration kRegisterConv2D;
extern const KernelRegistration kRegisterCos;
extern const KernelRegistration kRegisterCumsum;
extern const KernelRegistration kRegisterDepthToSpace;
extern const KernelRegistration kRegisterDepthwiseConv2D;
extern const KernelRegistration kRegisterDequantize;
extern const KernelRegistration kRegisterDetectionPostprocess;
extern const KernelRegistration kRegisterDiv;
extern const KernelRegistration kRegisterElu;
extern const KernelRegistration kRegisterEmbeddingLookup;
extern const KernelRegistration kRegisterEqual;
extern const KernelRegistration kRegisterExp;
extern const KernelRegistration kRegisterExpandDims;
extern const KernelRegistration kRegisterFill;
extern const KernelRegistration kRegisterFloor;
extern const KernelRegistration kRegisterFloorDiv;
extern const KernelRegistration kRegisterFloorMod;
extern const KernelRegistration kRegisterFullyConnected;
extern const KernelRegistration kRegisterGather;
extern const KernelRegistration kRegisterGatherNd;
extern const KernelRegistration kRegisterGreater;
extern const KernelRegistration kRegisterGreaterEqual;
extern const KernelRegistration kRegisterHardSwish;
extern const KernelRegistration kRegisterIf;
extern const KernelRegistration kRegisterL2Normalization;
extern const KernelRegistration kRegisterL2Pool2D;
extern const KernelRegistration kRegisterLeakyRelu;
extern const KernelRegistration kRegisterLess;
extern const KernelRegistration kRegisterLessEqual;
extern const KernelRegistration kRegisterLog;
extern const KernelRegistration kRegisterLogSoftmax;
extern const KernelRegistration kRegisterLogicalAnd;
extern const KernelRegistration kRegisterLogicalNot;
extern const KernelRegistration kRegisterLogicalOr;
extern const KernelRegistration kRegisterLogistic;
extern const KernelRegistration kRegisterMaximum;
extern const KernelRegistration kRegisterMaxPool2D;
extern const KernelRegistration kRegisterMean;
extern const KernelRegistration kRegisterMinimum;
extern const KernelRegistration kRegisterMirrorPad;
extern const KernelRegistration kRegisterMul;
extern const KernelRegistration kRegisterNeg;
extern const KernelRegistration kRegisterNotEqual;
extern const KernelRegistration kRegisterPack;
extern const KernelRegistration kRegisterPad;
extern const KernelRegistration kRegisterPadV2;
extern const KernelRegistration kRegisterPrelu;
extern const KernelRegistration kRegisterQuantize;
extern const KernelRegistration kRegisterReadVariable;
extern const KernelRegistration kRegisterReduceAll;
extern const KernelRegistration kRegisterReduceMax;
extern const KernelRegistration kRegisterReduceMin;
extern const KernelRegistration kRegisterRelu;
extern const KernelRegistration kRegisterRelu6;
extern const KernelRegistration kRegisterReshape;
extern const KernelRegistration kRegisterResizeBilinear;
extern const KernelRegistration kRegisterResizeNearestNeighbor;
extern const KernelRegistration kRegisterReverseV2;
extern const KernelRegistration kRegisterRound;
extern const KernelRegistration kRegisterRsqrt;
extern const KernelRegistration kRegisterSelectV2;
extern const KernelRegistration kRegisterShape;
extern const KernelRegistration kRegisterSignalDelay;
extern const KernelRegistration kRegisterSignalEnergy;
extern const KernelRegistration kRegisterSignalFftAutoScale;
extern const KernelRegistration kRegisterSignalFilterBank;
extern const KernelRegistration kRegisterSignalFilterBankLog;
extern const KernelRegistration kRegisterSignalFilterBankSpectralSubtraction;
extern const KernelRegistration kRegisterSignalFilterBankSquareRoot;
extern const KernelRegistration kRegisterSignalFramer;
extern const KernelRegistration kRegisterSignalIrfft;
extern const KernelRegistration kRegisterSignalOverlapAdd;
extern const KernelRegistration kRegisterSignalPcan;
extern const KernelRegistration kRegisterSignalRfft;
extern const KernelRegistration kRegisterSignalStacker;
extern const KernelRegistration kRegisterSignalWindow;
extern const KernelRegistration kRegisterSin;
extern const KernelRegistration kRegisterSlice;
extern const KernelRegistration kRegisterSoftmax;
extern const KernelRegistration kRegisterSpaceToBatchNd;
extern const KernelRegistration kRegisterSpaceToDepth;
extern const KernelRegistration kRegisterSplit;
extern const KernelRegistration kRegisterSplitV;
extern const KernelRegistration kRegisterSqrt;
extern const KernelRegistration kRegisterSquare;
extern const KernelRegistration kRegisterSquaredDifference;
extern const KernelRegistration kRegisterSqueeze;
extern const KernelRegistration kRegisterStridedSlice;
extern const KernelRegistration kRegisterSub;
extern const KernelRegistration kRegisterSum;
extern const KernelRegistration kRegisterSvdf;
extern const KernelRegistration kRegisterTanh;
extern const KernelRegistration kRegisterTranspose;
extern const KernelRegistration kRegisterTransposeConv;
extern const KernelRegistration kRegisterUnidirectionalSequenceLstm;
extern const KernelRegistration kRegisterUnpack;
extern const KernelRegistration kRegisterVarHandle;
extern const KernelRegistration kRegisterWhile;
extern const KernelRegistration kRegisterZerosLike;

// Optimized twins (runtime/src/kernels/arm/): the same operator, versions and
// prepare as the reference registration without the suffix. Keep in the order
// of runtime/src/kernels/optimized_registry.cc.
extern const KernelRegistration kRegisterAddOpt;
extern const KernelRegistration kRegisterAveragePool2DOpt;
extern const KernelRegistration kRegisterConv2DOpt;
extern const KernelRegistration kRegisterDepthwiseConv2DOpt;
extern const KernelRegistration kRegisterFullyConnectedOpt;
extern const KernelRegistration kRegisterMaxPool2DOpt;
extern const KernelRegistration kRegisterMulOpt;
extern const KernelRegistration kRegisterPadOpt;
extern const KernelRegistration kRegisterPadV2Opt;
extern const KernelRegistration kRegisterSoftmaxOpt;

#if defined(__x86_64__)
// x86-64 twins (runtime/src/kernels/x86/), which OptimizedOpsResolver lists
// instead of the Opt ones on x86-64 hosts: the same prepare, the compute at
// the level chosen from cpuid at run time.
extern const KernelRegistration kRegisterAddX86;
extern const KernelRegistration kRegisterAveragePool2DX86;
extern const KernelRegistration kRegisterConv2DX86;
extern const KernelRegistration kRegisterDepthwiseConv2DX86;
extern const KernelRegistration kRegisterFullyConnectedX86;
extern const KernelRegistration kRegisterMaxPool2DX86;
extern const KernelRegistration kRegisterMulX86;
extern const KernelRegistration kRegisterSoftmaxX86;
#endif

}  // namespace microml

#endif  // MICROML_KERNELS_H_
