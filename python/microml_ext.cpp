// microml._microml: one model over the runtime's plain-C engine (the one the
// MicroPython module uses). Model bytes, engine and arena live in the object;
// the arena is exactly the measured figure.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "ml_engine.h"

namespace nb = nanobind;

namespace {

struct AlignedFree {
  void operator()(uint8_t* p) const { ::operator delete[](p, std::align_val_t(16)); }
};
using Buffer = std::unique_ptr<uint8_t[], AlignedFree>;

Buffer Allocate(size_t bytes) {
  return Buffer(new (std::align_val_t(16)) uint8_t[bytes == 0 ? 1 : bytes]());
}

std::string Shape(const ml_tensor_t& t) {
  std::string s = "(";
  for (uint32_t i = 0; i < t.rank; ++i) {
    s += (i ? ", " : "") + std::to_string(t.dims[i]);
  }
  return s + (t.rank == 1 ? ",)" : ")");
}

std::string Describe(const char* what, size_t index, const ml_tensor_t& t) {
  return std::string(what) + " " + std::to_string(index) + " (" + t.type_name + " " + Shape(t) +
         ")";
}

// round(v / scale) + zero_point, ties away from zero, clamped to the type.
template <typename T>
void Quantize(const double* in, size_t n, const ml_tensor_t& t, void* out) {
  T* o = static_cast<T*>(out);
  const double lo = static_cast<double>(std::numeric_limits<T>::lowest());
  const double hi = static_cast<double>(std::numeric_limits<T>::max());
  for (size_t i = 0; i < n; ++i) {
    double q = std::round(in[i] / t.scale) + t.zero_point;
    q = std::isnan(q) ? 0 : (q < lo ? lo : (q > hi ? hi : q));
    o[i] = static_cast<T>(q);
  }
}

template <typename T>
void Dequantize(const void* in, size_t n, const ml_tensor_t& t, float* out) {
  const T* v = static_cast<const T*>(in);
  for (size_t i = 0; i < n; ++i) {
    out[i] = static_cast<float>((static_cast<double>(v[i]) - t.zero_point) * t.scale);
  }
}

char DtypeOf(const nb::dlpack::dtype& d) {
  using nb::dlpack::dtype_code;
  if (d.code == static_cast<uint8_t>(dtype_code::Int)) {
    return d.bits == 8 ? 'b' : d.bits == 16 ? 'h' : d.bits == 32 ? 'i' : 0;
  }
  if (d.code == static_cast<uint8_t>(dtype_code::UInt)) {
    return d.bits == 8 ? 'B' : d.bits == 16 ? 'H' : 0;
  }
  if (d.code == static_cast<uint8_t>(dtype_code::Float)) {
    return d.bits == 32 ? 'f' : d.bits == 64 ? 'd' : 0;
  }
  return 0;
}

class Model {
 public:
  // arena_limit: bytes (the caller checked it is positive), 0 for none.
  Model(nb::bytes data, uint64_t arena_limit) {
    len_ = data.size();
    model_ = Allocate(len_);
    std::memcpy(model_.get(), data.c_str(), len_);
    engine_ = Allocate(ml_engine_size);
    if (ml_engine_init(engine_.get(), model_.get(), len_) != ML_OK) {
      throw nb::value_error(ml_engine_error(engine_.get()));
    }
    Buffer work = Allocate(ml_engine_work_bytes(engine_.get()));
    // SIZE_MAX is the engine's "no limit" (the default plan); a limit that
    // large limits nothing and buys the fastest plan, as any limit above it.
    const size_t limit = arena_limit == 0              ? SIZE_MAX
                         : arena_limit >= SIZE_MAX - 1 ? SIZE_MAX - 1
                                                       : static_cast<size_t>(arena_limit);
    const ml_status_t measured = ml_engine_measure(
        engine_.get(), work.get(), ml_engine_work_bytes(engine_.get()), limit, &ram_);
    if (measured == ML_ARENA_TOO_SMALL && arena_limit != 0) {
      PyErr_SetString(PyExc_MemoryError, ml_engine_error(engine_.get()));
      throw nb::python_error();
    }
    if (measured != ML_OK) throw nb::value_error(ml_engine_error(engine_.get()));
    work.reset();
    arena_ = Allocate(ram_);
    if (ml_engine_setup(engine_.get(), arena_.get(), ram_) != ML_OK) {
      throw nb::value_error(ml_engine_error(engine_.get()));
    }
  }

  size_t len() const { return len_; }
  size_t ram() const { return ram_; }
  size_t num_inputs() const { return ml_engine_num_inputs(engine_.get()); }
  size_t num_outputs() const { return ml_engine_num_outputs(engine_.get()); }

  nb::dict Tensor(bool input, size_t i) const {
    ml_tensor_t t = Get(input, i);
    nb::dict d;
    std::vector<int32_t> shape(t.dims, t.dims + t.rank);
    d["shape"] = nb::tuple(nb::cast(shape));
    d["dtype"] = std::string(1, t.dtype ? t.dtype : '?');
    d["type"] = std::string(t.type_name);
    d["scale"] = t.scale;
    d["zero_point"] = t.zero_point;
    return d;
  }

  // Each entry: an array of the tensor's dtype (copied as is) or of floats
  // (quantized); the element count must match. Returns dequantized float32.
  std::vector<nb::ndarray<nb::numpy, float>> Predict(
      const std::vector<nb::ndarray<nb::ro, nb::c_contig, nb::device::cpu>>& inputs) {
    if (inputs.size() != num_inputs()) {
      throw nb::value_error(("expected " + std::to_string(num_inputs()) + " inputs, got " +
                             std::to_string(inputs.size()))
                                .c_str());
    }
    for (size_t i = 0; i < inputs.size(); ++i) {
      Fill(i, inputs[i]);
    }
    if (ml_engine_invoke(engine_.get()) != ML_OK) {
      throw std::runtime_error(ml_engine_error(engine_.get()));
    }
    std::vector<nb::ndarray<nb::numpy, float>> out;
    for (size_t i = 0; i < num_outputs(); ++i) {
      ml_tensor_t t = Get(false, i);
      float* data = new float[t.count ? t.count : 1];
      switch (t.dtype) {
        case 'b':
          Dequantize<int8_t>(t.data, t.count, t, data);
          break;
        case 'B':
          Dequantize<uint8_t>(t.data, t.count, t, data);
          break;
        case 'h':
          Dequantize<int16_t>(t.data, t.count, t, data);
          break;
        case 'H':
          Dequantize<uint16_t>(t.data, t.count, t, data);
          break;
        case 'i':
          Dequantize<int32_t>(t.data, t.count, t, data);
          break;
        case 'f':
          std::memcpy(data, t.data, t.count * sizeof(float));
          break;
        default:
          delete[] data;
          throw nb::value_error((Describe("output", i, t) + ": unsupported type").c_str());
      }
      nb::capsule owner(data, [](void* p) noexcept { delete[] static_cast<float*>(p); });
      std::vector<size_t> shape(t.dims, t.dims + t.rank);
      out.emplace_back(data, shape.size(), shape.data(), owner);
    }
    return out;
  }

  void Reset() { ml_engine_reset(engine_.get()); }

 private:
  ml_tensor_t Get(bool input, size_t i) const {
    ml_tensor_t t;
    bool ok =
        input ? ml_engine_input(engine_.get(), i, &t) : ml_engine_output(engine_.get(), i, &t);
    if (!ok) {
      throw nb::index_error(
          ("no " + std::string(input ? "input " : "output ") + std::to_string(i)).c_str());
    }
    return t;
  }

  void Fill(size_t i, const nb::ndarray<nb::ro, nb::c_contig, nb::device::cpu>& a) {
    ml_tensor_t t = Get(true, i);
    char dtype = DtypeOf(a.dtype());
    if (t.dtype == 0) {
      throw nb::value_error((Describe("input", i, t) + ": unsupported type").c_str());
    }
    if (a.size() != t.count) {
      throw nb::value_error((Describe("input", i, t) + ": expected " + std::to_string(t.count) +
                             " elements, got " + std::to_string(a.size()))
                                .c_str());
    }
    if (dtype == t.dtype) {
      std::memcpy(t.data, a.data(), t.bytes);
      return;
    }
    if (dtype != 'f' && dtype != 'd') {
      throw nb::value_error((Describe("input", i, t) + ": expected " + t.type_name +
                             " or float values, got another dtype")
                                .c_str());
    }
    std::vector<double> v(t.count);
    for (size_t k = 0; k < t.count; ++k) {
      v[k] = dtype == 'f' ? static_cast<const float*>(a.data())[k]
                          : static_cast<const double*>(a.data())[k];
    }
    switch (t.dtype) {
      case 'b':
        Quantize<int8_t>(v.data(), t.count, t, t.data);
        break;
      case 'B':
        Quantize<uint8_t>(v.data(), t.count, t, t.data);
        break;
      case 'h':
        Quantize<int16_t>(v.data(), t.count, t, t.data);
        break;
      case 'H':
        Quantize<uint16_t>(v.data(), t.count, t, t.data);
        break;
      case 'i':
        Quantize<int32_t>(v.data(), t.count, t, t.data);
        break;
      case 'f':
        for (size_t k = 0; k < t.count; ++k) {
          static_cast<float*>(t.data)[k] = static_cast<float>(v[k]);
        }
        break;
      default:
        break;
    }
  }

  size_t len_ = 0;
  size_t ram_ = 0;
  Buffer model_;
  Buffer engine_;
  Buffer arena_;
};

}  // namespace

NB_MODULE(_microml, m) {
  nb::class_<Model>(m, "Engine")
      .def(nb::init<nb::bytes, uint64_t>())
      .def_prop_ro("len", &Model::len)
      .def_prop_ro("ram", &Model::ram)
      .def_prop_ro("num_inputs", &Model::num_inputs)
      .def_prop_ro("num_outputs", &Model::num_outputs)
      .def("tensor", &Model::Tensor)
      .def("predict", &Model::Predict)
      .def("reset", &Model::Reset);
}
