package org.torchwork.runtime.builtin;

import ai.djl.nn.Block;
import java.util.List;
import org.torchwork.api.Param;
import org.torchwork.api.ParamSet;
import org.torchwork.api.ParamValues;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.spi.LearnerProvider;
import org.torchwork.api.spi.LearnerSpec;
import org.torchwork.api.spi.NetworkFactory;
import org.torchwork.api.spi.NetworkShape;

/**
 * The FT-Transformers {@code classif.ft_transformer} and {@code regr.ft_transformer} (Gorishniy et
 * al. 2021, mlr3torch's {@code ft_transformer}), with mlr3torch's parameters and defaults, the
 * reference implementation's default configuration: 3 layers, tokens of 192, 8 attention heads,
 * attention dropout 0.2, a ReGLU feed-forward network 4/3 as wide as the tokens with dropout 0.1,
 * no residual dropout, prenormalization. See {@link FtTransformer} for the network.
 *
 * <p>As mlr3torch says: if training is unstable, standardize the features
 * ({@code standardize=true}), keep an adaptive optimizer (Adam), lower the learning rate, or add a
 * learning rate schedule.
 */
public final class FtTransformerLearners implements LearnerProvider {
  /** The feed-forward network's hidden width's multiple of d_token when neither width parameter is set. */
  static final double HIDDEN_MULTIPLIER = 4.0 / 3;

  static final ParamSet PARAMS = ParamSet.of(
      Param.integer("n_blocks").min(0).defaultValue(3).description("transformer layers").build(),
      Param.integer("d_token").min(1).defaultValue(192)
          .description("length of each feature's token; a multiple of attention_n_heads").build(),
      Param.choice("init_token", "uniform", "normal").defaultValue("uniform")
          .description("how tokens start: uniform or normal, scaled by 1/sqrt(d_token)").build(),
      Param.integer("attention_n_heads").min(1).defaultValue(8).description("attention heads; they share d_token equally").build(),
      Param.number("attention_dropout").min(0).lessThan(1).defaultValue(0.2)
          .description("dropout probability of the attention weights").build(),
      Param.choice("attention_initialization", "kaiming", "xavier").defaultValue("kaiming")
          .description("how the query, key and value projections start").build(),
      Param.integer("ffn_d_hidden").min(1)
          .description("hidden width of the feed-forward network (doubled for reglu and geglu); or set ffn_d_hidden_multiplier"
              + " (neither: 4/3 of d_token)").build(),
      Param.number("ffn_d_hidden_multiplier").greaterThan(0)
          .description("hidden width of the feed-forward network as a multiple of d_token, rounded; or set ffn_d_hidden"
              + " (neither: 4/3)").build(),
      Param.choice("ffn_activation", "reglu", "geglu", "relu", "gelu").defaultValue("reglu")
          .description("activation of the feed-forward network").build(),
      Param.number("ffn_dropout").min(0).lessThan(1).defaultValue(0.1)
          .description("dropout probability after the feed-forward network's activation").build(),
      Param.number("residual_dropout").min(0).lessThan(1).defaultValue(0.0)
          .description("dropout probability of what attention and the feed-forward network add to the tokens").build(),
      Param.bool("prenormalization").defaultValue(true)
          .description("layer norm before attention and the feed-forward network (true) or after them (false)").build());

  /** Creates the provider. */
  public FtTransformerLearners() {}

  @Override
  public List<LearnerSpec> learners() {
    return List.of(
        LearnerSpec.of("classif.ft_transformer", "FT-Transformer", TaskType.CLASSIF, PARAMS, NETWORK)
            .withCategories(LearnerSpec.Categories.INDICES),
        LearnerSpec.of("regr.ft_transformer", "FT-Transformer", TaskType.REGR, PARAMS, NETWORK)
            .withCategories(LearnerSpec.Categories.INDICES));
  }

  private static final NetworkFactory NETWORK = new NetworkFactory() {
    @Override
    public Block create(NetworkShape shape, ParamValues p) {
      Layers.requireFlat(shape, "ft_transformer");
      return new FtTransformer(shape, p.getInt("n_blocks"), settings(p));
    }

    @Override
    public long parameterCount(NetworkShape shape, ParamValues p) {
      return FtTransformer.parameterCount(shape, p.getInt("n_blocks"), settings(p));
    }
  };

  static FtTransformer.Settings settings(ParamValues p) {
    int dToken = p.getInt("d_token");
    int heads = p.getInt("attention_n_heads");
    if (dToken % heads != 0) {
      int up = (dToken / heads + 1) * heads;
      int divisor = heads;
      while (dToken % divisor != 0) {
        divisor--;
      }
      throw new TorchworkException("Parameters 'd_token' (" + dToken + ") and 'attention_n_heads' (" + heads + ") disagree:"
          + " the heads share each token's " + dToken + " numbers equally, so d_token must be a multiple of attention_n_heads."
          + " Set d_token to " + up + ", or attention_n_heads to a divisor of " + dToken + " such as " + divisor + ".");
    }
    return new FtTransformer.Settings(dToken, heads, p.getDouble("attention_dropout"), p.getString("attention_initialization"),
        TabResNetLearners.hiddenWidth(p, "ffn_d_hidden", "ffn_d_hidden_multiplier", "d_token", HIDDEN_MULTIPLIER),
        p.getString("ffn_activation"), p.getDouble("ffn_dropout"), p.getDouble("residual_dropout"),
        p.getBoolean("prenormalization"), p.getString("init_token"));
  }
}
