/**
 * Torchwork's data layer: tables read from CSV files of any common dialect, column types and
 * roles, missing values, categorical encodings and standardization, learned from training rows
 * alone and saved with a model. Depends on the api only; the runtime depends on it.
 */
module org.torchwork.data {
  requires transitive org.torchwork.api;
  requires de.siegmar.fastcsv;
  // Images decoded with the JDK (PNG, JPEG, GIF, BMP): nothing downloaded, nothing native.
  requires java.desktop;

  exports org.torchwork.data;

  // A model's preprocessing and standardization are records that Gson reads and writes reflectively.
  opens org.torchwork.data;
}
