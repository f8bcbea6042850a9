#include "protocol/model_route.h"

namespace ketapath::protocol {

pd::Route to_model_route(Route route) {
  switch (route) {
    case Route::Iv:
      return pd::Route::Iv;
    case Route::Sc:
      return pd::Route::Sc;
    case Route::Im:
      return pd::Route::Im;
    case Route::Intranasal:
      return pd::Route::In;
    case Route::Oral:
      return pd::Route::Po;
    case Route::Sublingual:
      return pd::Route::Sl;
  }
  return pd::Route::Iv;
}

}  // namespace ketapath::protocol
